import { Module } from '@nestjs/common';
import { JobController } from './job.controller';
import { JobOutcomeMapper } from './job-outcome.mapper';
import { JobQueryService } from './job-query.service';
import { JobSubmitService } from './job-submit.service';

@Module({ controllers: [JobController], providers: [JobSubmitService, JobQueryService, JobOutcomeMapper] })
export class JobModule {}
