import { Module } from '@nestjs/common';
import { BundleController } from './bundle.controller';
import { BundleService } from './bundle.service';

@Module({ controllers: [BundleController], providers: [BundleService] })
export class BundleModule {}
