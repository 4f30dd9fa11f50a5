/**
 * Generated from the gateway's OpenAPI document (GET /api-docs/json) by openapi-typescript.
 * Do not edit: run `npm run generate -w @jobserver/client` after changing a controller or DTO.
 */
export type paths = {
    "/auth/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every API key, without secrets */
        get: operations["ApiKeyController_list"];
        put?: never;
        /** Create an API key; its secret is in the answer, once */
        post: operations["ApiKeyController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke an API key on every gateway */
        delete: operations["ApiKeyController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The principal of the request, its permissions and every one they grant */
        get: operations["PrincipalController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/binaries/{appName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Latest version of one app */
        get: operations["BundleController_get"];
        put?: never;
        /** Upload a new version of an app bundle */
        post: operations["BundleController_upload[0]"];
        /** Delete every version of an app */
        delete: operations["BundleController_delete[0]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jars/{appName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a new version of an app bundle */
        post: operations["BundleController_upload[1]"];
        /** Delete every version of an app */
        delete: operations["BundleController_delete[1]"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/binaries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Latest version of every app */
        get: operations["BundleController_listBinaries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jars": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Upload time of every app (seed shape) */
        get: operations["BundleController_listJars"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/binaries/{appName}/versions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every stored version of one app, newest first */
        get: operations["BundleController_versions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** State, settings and running jobs of a live context */
        get: operations["ContextController_get"];
        put?: never;
        /** Start a named context; answers once it is RUNNING */
        post: operations["ContextController_create"];
        /** Stop a context; its jobs end KILLED */
        delete: operations["ContextController_stop"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Names of the live contexts */
        get: operations["ContextController_list"];
        /** reset=reboot: stop every context, then start the configured ones */
        put: operations["ContextController_reset"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/objects": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Named objects of a live context, by name: type, estimated bytes, times */
        get: operations["ContextObjectsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/objects/{object}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Drop one named object of a live context */
        delete: operations["ContextObjectsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/snapshots": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Snapshots of a context name, newest first */
        get: operations["ContextSnapshotsController_list"];
        put?: never;
        /** Store the live context's structured-cloneable named objects (the others are listed as skipped, with why) */
        post: operations["ContextSnapshotsController_take"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/snapshots/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete one snapshot of a context name */
        delete: operations["ContextSnapshotsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/data/{prefix}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Upload a data file; answers its stored filename */
        post: operations["DataController_upload"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/data": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Filenames of the stored data files */
        get: operations["DataController_list"];
        /** reset=reboot: delete every data file */
        put: operations["DataController_reset"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/data/{filename}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a data file */
        delete: operations["DataController_delete"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Jobs, newest first */
        get: operations["JobController_list"];
        put?: never;
        /** Run a job, sync (sync=true) or async */
        post: operations["JobController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Run many async jobs of one app and classPath: one recorded and queued per config of the JSON array */
        post: operations["JobController_submitBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/counts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many jobs matching the filters have each status */
        get: operations["JobController_counts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Status and result of a job */
        get: operations["JobController_get"];
        put?: never;
        post?: never;
        /** Kill a queued or running job */
        delete: operations["JobController_cancel"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/config": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The config the job was posted with */
        get: operations["JobController_config"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job's events as JSON, or with Accept: text/event-stream as a live stream */
        get: operations["JobEventsController_jobEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A job's log lines (Livy's shape) */
        get: operations["JobEventsController_logs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Live state changes of the cluster's jobs and contexts (Server-Sent Events only) */
        get: operations["FirehoseController_firehose"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/statements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The statements of the context, newest last */
        get: operations["StatementController_list"];
        put?: never;
        /** Run JavaScript in the context, beside its jobs (201 with the statement) */
        post: operations["StatementController_submit"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/statements/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One statement */
        get: operations["StatementController_get"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/statements/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a statement (its signal, then kill-grace) */
        post: operations["StatementController_cancel"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/contexts/{name}/completion": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Completion candidates at a cursor, from the REPL scope and the named objects */
        post: operations["StatementController_complete"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A schedule with its next tick and its last jobs */
        get: operations["ScheduleController_get"];
        put?: never;
        /** Create a schedule: {appName, classPath, context?, cron | every, timezone?, config?, priority?, retries?, missed?} */
        post: operations["ScheduleController_create"];
        /** Delete a schedule (its jobs stay) */
        delete: operations["ScheduleController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every schedule, by name, with its next and last tick */
        get: operations["ScheduleController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{name}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stop ticking until resumed */
        post: operations["ScheduleController_pause"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{name}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Tick again from now on (ticks missed while paused do not run) */
        post: operations["ScheduleController_resume"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** 200 when this gateway reaches Redis and Postgres, else 503 */
        get: operations["HealthController_check"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every live process: id, role, version, uptime, last heartbeat, hosted contexts */
        get: operations["StatusController_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus text format, cluster-wide; 503 (process metrics only) while Postgres or Redis is down */
        get: operations["MetricsController_scrape"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: {
        ErrorObjectResponse: {
            /** @example No input.string config param */
            message: string;
            /**
             * @description the JS error's name
             * @example ValidationFailed
             */
            errorClass: string;
            /** @description the frames, one string each */
            stack: string[];
        };
        ErrorResponse: {
            /**
             * @description a label: ERROR, VALIDATION FAILED, CONTEXT INIT ERROR, …
             * @example ERROR
             */
            status: string;
            /** @description what is wrong: a message, or an error object */
            result: string | components["schemas"]["ErrorObjectResponse"];
        };
        NewApiKeyResponse: {
            id: string;
            name: string;
            permissions: string[];
            /** @description the principal that created it */
            owner: string | null;
            /** @description ISO-8601 */
            created: string | null;
            /** @description ISO-8601; null: never */
            expires: string | null;
            /** @description ISO-8601 */
            lastUsed: string | null;
            /** @description ISO-8601; null: not revoked */
            revoked: string | null;
            /** @description the secret (`jsk_…`), for `Authorization: Bearer` */
            key: string;
        };
        ApiKeyCreatedResponse: {
            /** @enum {string} */
            status: "SUCCESS";
            result: components["schemas"]["NewApiKeyResponse"];
        };
        ApiKeyResponse: {
            id: string;
            name: string;
            permissions: string[];
            /** @description the principal that created it */
            owner: string | null;
            /** @description ISO-8601 */
            created: string | null;
            /** @description ISO-8601; null: never */
            expires: string | null;
            /** @description ISO-8601 */
            lastUsed: string | null;
            /** @description ISO-8601; null: not revoked */
            revoked: string | null;
        };
        SuccessResponse: {
            /** @enum {string} */
            status: "SUCCESS";
        };
        PrincipalResponse: {
            /**
             * @description whether the server has auth on (auth.enabled)
             * @example true
             */
            auth: boolean;
            /**
             * @description the user name or the API key owner; null while auth is off
             * @example alice
             */
            name: string | null;
            /**
             * @description the permissions the principal holds, as configured (`*` while auth is off)
             * @example [
             *       "jobs",
             *       "contexts:read"
             *     ]
             */
            permissions: ("*" | "binaries" | "binaries:read" | "binaries:upload" | "binaries:delete" | "contexts" | "contexts:read" | "contexts:start" | "contexts:delete" | "contexts:reset" | "contexts:exec" | "data" | "data:read" | "data:upload" | "data:delete" | "data:reset" | "jobs" | "jobs:read" | "jobs:start" | "jobs:delete" | "metrics:read" | "auth:admin")[];
            /**
             * @description every permission name those grant (a parent grants its children, `*` grants all): a client checks a route’s permission against this list
             * @example [
             *       "jobs",
             *       "jobs:read",
             *       "jobs:start",
             *       "jobs:delete",
             *       "contexts:read"
             *     ]
             */
            granted: ("*" | "binaries" | "binaries:read" | "binaries:upload" | "binaries:delete" | "contexts" | "contexts:read" | "contexts:start" | "contexts:delete" | "contexts:reset" | "contexts:exec" | "data" | "data:read" | "data:upload" | "data:delete" | "data:reset" | "jobs" | "jobs:read" | "jobs:start" | "jobs:delete" | "metrics:read" | "auth:admin")[];
        };
        BinarySummaryResponse: {
            /** @enum {string} */
            "binary-type": "js" | "zip" | "tgz";
            /**
             * @description ISO-8601
             * @example 2026-12-02T06:00:00.000Z
             */
            "upload-time": string;
        };
        BinaryInfoResponse: {
            /** @enum {string} */
            "binary-type": "js" | "zip" | "tgz";
            /**
             * @description ISO-8601
             * @example 2026-12-02T06:00:00.000Z
             */
            "upload-time": string;
            /** @example test */
            "app-name": string;
            /** @description hex sha256 of the bundle bytes */
            sha256: string;
            /** @description bytes */
            size: number;
            /** @description the principal that uploaded it; null while auth is off */
            owner: string | null;
        };
        SuccessMessageResponse: {
            /** @enum {string} */
            status: "SUCCESS";
            /** @example Context initialized */
            result: string;
        };
        ContextResponse: {
            /** @example test-context */
            name: string;
            /** @enum {string} */
            state: "STARTED" | "RUNNING" | "STOPPING" | "FINISHED" | "ERROR" | "KILLED" | "RESTARTING";
            /** @description ISO-8601 */
            startTime: string;
            /** @description created for one job without context= (stopped when it ends) */
            adHoc: boolean;
            /** @description the context settings (num-cpu-cores, mem-per-node, …, and any other key) */
            settings: {
                [key: string]: unknown;
            };
            /** @description jobs running in it now */
            runningJobs: number;
            /** @description the principal that started it; null while auth is off */
            owner: string | null;
        };
        NamedObjectResponse: {
            /** @example numbers */
            name: string;
            /**
             * @description Map, Array, string, a class name…
             * @example Array
             */
            type: string;
            /**
             * @description estimated heap bytes (docs/named-objects.md: a bounded walk of the value; a lower bound when partial)
             * @example 8024
             */
            bytes: number;
            /** @description the walk stopped at its limit: bytes is a lower bound */
            partial: boolean;
            /** @description stored first (ISO-8601) */
            createdAt: string;
            /** @description replaced last (ISO-8601) */
            updatedAt: string;
            /** @description last read or stored (ISO-8601) */
            lastUsedAt: string;
            /** @description seconds left to live; null: kept until destroyed */
            ttl: number | null;
        };
        SnapshotSkipResponse: {
            /** @example handler */
            name: string;
            /** @example a function at value.onDone: functions cannot be cloned */
            reason: string;
        };
        SnapshotResponse: {
            /**
             * @description the snapshot id (a uuid): POST /contexts/<new>?snapshot=<id> restores it
             * @example 0b9f2c3e-8a51-4d3c-9d5e-2f8e1c0a7b64
             */
            id: string;
            /**
             * @description the name of the context it was taken of
             * @example ctx
             */
            context: string;
            /** @description when it was taken (ISO-8601) */
            createdAt: string;
            /**
             * @description names of the named objects it holds
             * @example [
             *       "lookup"
             *     ]
             */
            objects: string[];
            /** @description named objects left out, with why (functions, symbols, class instances, over snapshot-max-bytes) */
            skipped: components["schemas"]["SnapshotSkipResponse"][];
            /**
             * @description bytes of the objects' v8.serialize output
             * @example 24152
             */
            bytes: number;
        };
        StoredDataFile: {
            /** @example words-2026-12-02T06:00:00.000Z.dat */
            filename: string;
        };
        DataUploadResponse: {
            /** @enum {string} */
            status: "SUCCESS";
            result: components["schemas"]["StoredDataFile"];
        };
        JobEndedResponse: {
            /** @enum {string} */
            status: "OK" | "ERROR" | "KILLED";
            /** @description OK: the job's result (null for undefined); else an error object */
            result: unknown;
            jobId: string;
        };
        JobPlaceResponse: {
            jobId: string;
            /** @description the context it runs in */
            context: string;
        };
        JobAcceptedResponse: {
            /** @enum {string} */
            status: "STARTED" | "QUEUED" | "RUNNING";
            result: components["schemas"]["JobPlaceResponse"];
            /** @description async answers only */
            jobId?: string;
            /** @description async answers only */
            context?: string;
            /** @description async answers only */
            classPath?: string;
            /** @description async answers only; ISO-8601 */
            startTime?: string;
            /** @description async answers only: "Job not done yet" */
            duration?: string;
        };
        BatchSubmitResponse: {
            /** @enum {string} */
            status: "STARTED";
            /**
             * @example [
             *       "5453779a-f004-45fc-a11d-a39dae0f9bf4"
             *     ]
             */
            jobIds: string[];
        };
        JobSummaryResponse: {
            /** @example 5453779a-f004-45fc-a11d-a39dae0f9bf4 */
            jobId: string;
            /** @example spark.jobserver.WordCountExample */
            classPath: string;
            /** @example test */
            appName: string;
            /** @description the context it runs in (an ad-hoc one: `<8 hex>-<classPath>`) */
            context: string;
            /** @description ISO-8601: when it started running (its submission while queued) */
            startTime: string;
            /**
             * @description `"<seconds> secs"`, or `"Job not done yet"`
             * @example 0.012 secs
             */
            duration: string;
            /** @enum {string} */
            status: "QUEUED" | "RUNNING" | "FINISHED" | "ERROR" | "KILLED";
        };
        JobCountsResponse: {
            /** @example 0 */
            QUEUED: number;
            /** @example 1 */
            RUNNING: number;
            /** @example 20 */
            FINISHED: number;
            /** @example 3 */
            ERROR: number;
            /** @example 0 */
            KILLED: number;
        };
        JobProgressResponse: {
            /** @description 0…1 */
            fraction: number;
            done?: number;
            total?: number;
            message?: string;
        };
        JobStageResponse: {
            name: string;
            /** @description ISO-8601 */
            startTime: string;
            /** @description `"<seconds> secs"`, or `"Job not done yet"` */
            duration: string;
        };
        JobCallbackResponse: {
            url: string;
            /** @enum {string} */
            state: "PENDING" | "DELIVERED" | "FAILED";
            attempts: number;
            /** @description HTTP status of the last attempt; null before one, or when it got no answer */
            lastStatus: number | null;
        };
        JobReportResponse: {
            /** @example 5453779a-f004-45fc-a11d-a39dae0f9bf4 */
            jobId: string;
            /** @example spark.jobserver.WordCountExample */
            classPath: string;
            /** @example test */
            appName: string;
            /** @description the context it runs in (an ad-hoc one: `<8 hex>-<classPath>`) */
            context: string;
            /** @description ISO-8601: when it started running (its submission while queued) */
            startTime: string;
            /**
             * @description `"<seconds> secs"`, or `"Job not done yet"`
             * @example 0.012 secs
             */
            duration: string;
            /**
             * @description QUEUED or RUNNING; when ended OK (FINISHED with api-compat = mainline), ERROR or KILLED
             * @enum {string}
             */
            status: "QUEUED" | "RUNNING" | "FINISHED" | "ERROR" | "KILLED" | "OK";
            /** @description the principal that submitted it; null while auth is off */
            owner: string | null;
            /** @description 0–100 (default 50): within its context's queue, higher first */
            priority: number;
            /** @description runs after the first it may get if its executor or worker dies (or it throws a retryable error); 0 by default */
            retries: number;
            /** @description the number of its current (or last) run: 1, then 2 after the first retry… */
            attempt: number;
            /** @description once it reported progress; always once finished */
            progress?: components["schemas"]["JobProgressResponse"];
            /** @description once a stage began */
            stages?: components["schemas"]["JobStageResponse"][];
            /** @description when submitted with callbackUrl */
            callback?: components["schemas"]["JobCallbackResponse"];
            /** @description OK: the result (absent when the job returned undefined); ERROR and KILLED: an error object {message, errorClass, stack} */
            result?: unknown;
        };
        JobKilledResponse: {
            /** @enum {string} */
            status: "KILLED";
        };
        JobEventResponse: {
            /** @description gap-free per job, from 1; the SSE id */
            seq: number;
            /** @description ISO-8601 */
            time: string;
            /** @enum {string} */
            type: "queued" | "running" | "progress" | "stage" | "log" | "retry" | "finished" | "error" | "killed";
        };
        JobLogResponse: {
            jobId: string;
            /** @description line number of the first line */
            from: number;
            /** @description lines logged in all (the newest log-lines-retained are kept) */
            total: number;
            /** @description "<ISO time> <LEVEL> <message>[ <fields as JSON>]" */
            log: string[];
        };
        StatementDataResponse: {
            /** @description captured console output, then util.inspect of the value */
            "text/plain": string;
            /** @description the value serialized like a job result; absent for undefined */
            "application/json"?: unknown;
        };
        StatementOutputResponse: {
            /** @enum {string} */
            status: "ok" | "error";
            /** @description the statement id */
            execution_count: number;
            /** @description ok only */
            data?: components["schemas"]["StatementDataResponse"];
            /** @description error only: the error name */
            ename?: string;
            /** @description error only: the message */
            evalue?: string;
            /** @description error only: the frames */
            traceback?: string[];
        };
        StatementResponse: {
            /** @description counts from 0 per context */
            id: number;
            code: string;
            /** @enum {string} */
            state: "waiting" | "running" | "available" | "cancelling" | "cancelled";
            /** @description null until available */
            output: components["schemas"]["StatementOutputResponse"] | null;
            /** @description 0…1 */
            progress: number;
            /** @description epoch ms, 0 until it started */
            started: number;
            /** @description epoch ms, 0 until it ended */
            completed: number;
        };
        StatementListResponse: {
            total_statements: number;
            /** @description newest last */
            statements: components["schemas"]["StatementResponse"][];
        };
        StatementCancelResponse: {
            /** @enum {string} */
            msg: "canceled";
        };
        CompletionResponse: {
            /** @description at most 200 */
            candidates: string[];
        };
        ScheduleRequestBody: {
            /** @example test */
            appName: string;
            /** @example spark.jobserver.WordCountExample */
            classPath: string;
            /** @description named context to run in; absent: an ad-hoc context per job */
            context?: string;
            /**
             * @description five fields: minute hour day-of-month month day-of-week (give cron or every)
             * @example *\/5 * * * *
             */
            cron?: string;
            /**
             * @description a duration such as 30s, 5m, 2h; at least schedule-min-interval (give cron or every)
             * @example 5m
             */
            every?: string;
            /**
             * @description the cron's IANA time zone (default UTC)
             * @example Europe/Berlin
             */
            timezone?: string;
            /** @description each job's config (default {}) */
            config?: {
                [key: string]: unknown;
            };
            /** @description each job's priority (default 50) */
            priority?: number;
            /** @description each job's retries after its executor or worker died (default 0) */
            retries?: number;
            /**
             * @description ticks missed while no scheduler ran: one job for them all, or none (default schedule-missed)
             * @enum {string}
             */
            missed?: "once" | "skip";
        };
        ScheduleRunResponse: {
            /** @description the tick (ISO-8601) */
            tick: string;
            /** @description the job it submitted */
            jobId: string | null;
            /** @description the job's status while the job is kept */
            status: string | null;
            /** @description why no job ran */
            error: string | null;
        };
        ScheduleResponse: {
            /** @example nightly-report */
            name: string;
            /** @example test */
            appName: string;
            /** @example spark.jobserver.WordCountExample */
            classPath: string;
            /** @description named context of its jobs; null: an ad-hoc context each */
            context: string | null;
            /** @example *\/5 * * * * */
            cron: string | null;
            /** @example 30s */
            every: string | null;
            /**
             * @description the cron's IANA time zone
             * @example UTC
             */
            timezone: string | null;
            /** @description the jobs' config */
            config: {
                [key: string]: unknown;
            };
            /** @example 50 */
            priority: number;
            /**
             * @description each job's retries
             * @example 0
             */
            retries: number;
            /**
             * @description what happens to ticks missed while no scheduler ran
             * @enum {string}
             */
            missed: "once" | "skip";
            paused: boolean;
            /** @description created (ISO-8601) */
            createdAt: string;
            /** @description next tick (ISO-8601); null while paused */
            nextRunAt: string | null;
            /** @description last tick that ran or was skipped (ISO-8601) */
            lastRunAt: string | null;
            /** @description the newest ticks, newest first (GET /schedules/<name> only) */
            lastJobs?: components["schemas"]["ScheduleRunResponse"][];
        };
        HealthResponse: {
            /** @enum {string} */
            status: "SUCCESS" | "ERROR";
            /** @example Redis unreachable */
            result?: string;
        };
        ProcessStatusResponse: {
            /** @description `<role>-<host>-<pid>` */
            id: string;
            /** @enum {string} */
            role: "gateway" | "scheduler" | "context-worker";
            /** @description its instance-id setting */
            instance: string;
            version: string;
            host: string;
            pid: number;
            /** @description ISO-8601 */
            startTime: string;
            uptimeSeconds: number;
            /** @description ISO-8601 */
            lastHeartbeat: string;
            /** @description contexts a context worker hosts */
            contexts: string[];
        };
        ClusterStatusResponse: {
            processes: components["schemas"]["ProcessStatusResponse"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    ApiKeyController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyResponse"][];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ApiKeyController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description expires: an ISO-8601 time or a duration from now (30d, 12h); absent: never */
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    permissions: string[];
                    expires?: string;
                };
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyCreatedResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ApiKeyController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    PrincipalController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrincipalResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    BundleController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BinaryInfoResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "BundleController_upload[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appName: string;
            };
            cookie?: never;
        };
        /** @description the bundle bytes: a JavaScript module, or a zip / tgz package (any Content-Type) */
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "BundleController_delete[0]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "BundleController_upload[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appName: string;
            };
            cookie?: never;
        };
        /** @description the bundle bytes: a JavaScript module, or a zip / tgz package (any Content-Type) */
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    "BundleController_delete[1]": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    BundleController_listBinaries: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description keyed by app name */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: components["schemas"]["BinarySummaryResponse"];
                    };
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    BundleController_listJars: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description app name → ISO-8601 upload time of its latest version */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: string;
                    };
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    BundleController_versions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                appName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BinaryInfoResponse"][];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ContextResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextController_create: {
        parameters: {
            query?: {
                /** @description concurrent jobs */
                "max-jobs-per-context"?: unknown;
                /** @description heap cap of the executor, e.g. 512m */
                "mem-per-node"?: unknown;
                /** @description worker threads jobs may use */
                "num-cpu-cores"?: unknown;
            };
            header?: {
                /** @description a repeat within idempotency-window answers as the first (no second context); another request with it: 422 */
                "idempotency-key"?: string;
            };
            path: {
                name: string;
            };
            cookie?: never;
        };
        /** @description HOCON/JSON with a context-settings block (any Content-Type) */
        requestBody?: {
            content: {
                "text/plain": string;
            };
        };
        responses: {
            /** @description "Context initialized" */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessMessageResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextController_stop: {
        parameters: {
            query?: {
                /** @description true: cut running jobs off at once instead of giving them kill-grace */
                force?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description "Context stopped" */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessMessageResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string[];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextController_reset: {
        parameters: {
            query: {
                /** @description reboot */
                reset: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description "Context reset" */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessMessageResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextObjectsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NamedObjectResponse"][];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextObjectsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                object: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextSnapshotsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SnapshotResponse"][];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextSnapshotsController_take: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SnapshotResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ContextSnapshotsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    DataController_upload: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                prefix: string;
            };
            cookie?: never;
        };
        /** @description the file bytes (any Content-Type) */
        requestBody: {
            content: {
                "application/octet-stream": string;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DataUploadResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    DataController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string[];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    DataController_reset: {
        parameters: {
            query: {
                /** @description reboot */
                reset: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description "Data reset" */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessMessageResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    DataController_delete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                filename: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobController_list: {
        parameters: {
            query?: {
                /** @description only jobs of this app (exact) */
                appName?: string;
                /** @description only jobs of this classPath (exact) */
                classPath?: string;
                /** @description only jobs run in this context (exact name) */
                context?: string;
                /** @description a full job id (that job), else a case-insensitive prefix of app name, classPath or context */
                q?: string;
                /** @description at most this many jobs (default 50) */
                limit?: string;
                /** @description only jobs of this status (case-insensitive) */
                status?: "QUEUED" | "RUNNING" | "FINISHED" | "ERROR" | "KILLED";
                /** @description keyset paging: only jobs older than this job (its id) in the list */
                before?: string;
                /** @description extra fields of each job beyond API.md's list shape: submitTime (when the job was recorded) */
                include?: "submitTime";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobSummaryResponse"][];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobController_submit: {
        parameters: {
            query: {
                /** @description app name of an uploaded bundle */
                appName: string;
                /** @description the job export */
                classPath: string;
                /** @description named context to run in; absent = a new ad-hoc context */
                context?: string;
                /** @description 0–100 (default 50): within the context's queue, higher first; equal ones in submission order */
                priority?: string;
                /** @description 0–10 (default 0): times the job is run again if its executor or worker dies under it, or it throws an error with retryable: true */
                retries?: string;
                /** @description absolute http(s) URL POSTed with the job's end (mainline's callbackUrl), URL-encoded; at most 2048 characters; a batch's jobs each POST it */
                callbackUrl?: string;
                /** @description wait for the result */
                sync?: "true" | "false";
                /** @description seconds a sync request waits (default 60) */
                timeout?: string;
            };
            header?: {
                /** @description a repeat within idempotency-window answers from the first request's job (no second run); another request with it: 422 */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        /** @description job config, HOCON or JSON (any Content-Type) */
        requestBody?: {
            content: {
                "text/plain": string;
            };
        };
        responses: {
            /** @description sync: the job ended within its timeout */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobEndedResponse"];
                };
            };
            /** @description async: accepted; sync: still running after its timeout */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobAcceptedResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobController_submitBatch: {
        parameters: {
            query: {
                /** @description app name of an uploaded bundle */
                appName: string;
                /** @description the job export */
                classPath: string;
                /** @description named context to run in; absent = a new ad-hoc context */
                context?: string;
                /** @description 0–100 (default 50): within the context's queue, higher first; equal ones in submission order */
                priority?: string;
                /** @description 0–10 (default 0): times the job is run again if its executor or worker dies under it, or it throws an error with retryable: true */
                retries?: string;
                /** @description absolute http(s) URL POSTed with the job's end (mainline's callbackUrl), URL-encoded; at most 2048 characters; a batch's jobs each POST it */
                callbackUrl?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description a JSON array of job configs (objects) */
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                }[];
            };
        };
        responses: {
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchSubmitResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobController_counts: {
        parameters: {
            query?: {
                /** @description only jobs of this app (exact) */
                appName?: string;
                /** @description only jobs of this classPath (exact) */
                classPath?: string;
                /** @description only jobs run in this context (exact name) */
                context?: string;
                /** @description a full job id (that job), else a case-insensitive prefix of app name, classPath or context */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobCountsResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobReportResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobKilledResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobController_config: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the posted config as JSON */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobEventsController_jobEvents: {
        parameters: {
            query?: {
                /** @description only the events after this seq (default 0: all) */
                after?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description JSON: at most 10 000 events (read on with after=); SSE: `id: <seq>`, `event: <type>`, `data: <the event>` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobEventResponse"][];
                    "text/event-stream": components["schemas"]["JobEventResponse"][];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                    "text/event-stream": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    JobEventsController_logs: {
        parameters: {
            query?: {
                /** @description first line number (0-based); default: the last `size` lines */
                from?: string;
                /** @description at most this many lines (default 100, at most 10000) */
                size?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JobLogResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    FirehoseController_firehose: {
        parameters: {
            query?: {
                /** @description only this context (and its jobs) */
                context?: string;
                /** @description only jobs of this app (no context events) */
                appName?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description `event: job`, data `{jobId, status, context, appName, classPath}`; `event: context`, data `{name, state}` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    StatementController_list: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatementListResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    StatementController_submit: {
        parameters: {
            query?: {
                /** @description seconds to wait for the statement to be available */
                wait?: string;
            };
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        /** @description {"code": "<JavaScript>"}, or the code itself as a body that is not a JSON object */
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                };
            };
        };
        responses: {
            /** @description with Location: /contexts/<name>/statements/<id> */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatementResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    StatementController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatementResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    StatementController_cancel: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatementCancelResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    StatementController_complete: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        /** @description cursor: a position in code (default: its end) */
        requestBody: {
            content: {
                "application/json": {
                    code: string;
                    cursor?: number;
                };
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CompletionResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ScheduleController_get: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ScheduleController_create: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        /** @description JSON (any Content-Type) */
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleRequestBody"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ScheduleController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ScheduleController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleResponse"][];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ScheduleController_pause: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    ScheduleController_resume: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ScheduleResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    HealthController_check: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description result says what is down */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    StatusController_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ClusterStatusResponse"];
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
    MetricsController_scrape: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text format 0.0.4 */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description an error: 4xx for bad input, 401/403 with auth on, 503 while Postgres or Redis is down */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorResponse"];
                };
            };
        };
    };
}
