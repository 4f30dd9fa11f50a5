/** The persistence layer's Nest module and providers (gateway and scheduler). */
export { PersistenceModule, JOB_LIFECYCLE_PROVIDER } from './persistence.module';
