import { Module } from '@nestjs/common';
import { ProcessRegistration } from '../infra/process-registration.service';
import { HealthController } from './health.controller';
import { StatusController } from './status.controller';

@Module({ controllers: [HealthController, StatusController], providers: [ProcessRegistration] })
export class HealthModule {}
