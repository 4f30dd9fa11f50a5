import { Module } from '@nestjs/common';
import { ContextModule } from '../contexts/context.module';
import { EventFacts } from '../events/event-facts.service';
import { EventHub } from '../events/event-hub.service';
import { FirehoseController, JobEventsController } from '../events/job-events.controller';
import { JobEventReader } from '../events/job-event.reader';
import { JobEventsService } from '../events/job-events.service';
import { JobAdmission } from './job-admission.service';
import { JobController } from './job.controller';
import { JobOutcomeMapper } from './job-outcome.mapper';
import { JobQueryService } from './job-query.service';
import { JobSubmitService } from './job-submit.service';
import { MissedEventRecovery } from './missed-event.recovery';

@Module({
  imports: [ContextModule],
  controllers: [JobController, JobEventsController, FirehoseController],
  providers: [JobSubmitService, JobAdmission, JobQueryService, JobOutcomeMapper, JobEventsService, JobEventReader, EventHub, EventFacts, MissedEventRecovery],
})
export class JobModule {}
