export { WordCountExample } from './word-count.job';
export { NamedObjectsExample } from './named-objects.job';
export { LongRunningExample } from './long-running.job';
export {
  BusyLoopExample,
  CrashExample,
  FailingExample,
  MemoryHogExample,
  ResultTypesExample,
  SettingsExample,
} from './demo.jobs';
export { ProgressExample } from './progress.job';
export { DataDigestExample } from './data-digest.job';
