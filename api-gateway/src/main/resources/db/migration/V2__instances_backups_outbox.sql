-- Registered Redis instances. The password is sealed (AES-256-GCM) and never leaves the service in clear.
create table instance (
    id              uuid primary key,
    name            varchar(100) not null,
    host            varchar(255) not null,
    port            integer      not null,
    username        varchar(255),
    password_sealed text         not null,
    tls             boolean      not null,
    redis_version   varchar(32),
    status          varchar(40)  not null,
    created_at      timestamptz  not null,
    updated_at      timestamptz  not null
);

-- The backup catalogue: a row from the moment a backup is asked for, kept up to date from backup-events.
create table backup (
    id             uuid primary key,
    instance_id    uuid        not null,
    task_id        uuid        not null unique,
    type           varchar(16) not null,
    trigger        varchar(16) not null,
    status         varchar(16) not null,
    retention_days integer,
    created_at     timestamptz not null,
    started_at     timestamptz,
    finished_at    timestamptz,
    size_bytes     bigint,
    key_count      bigint,
    sha256         varchar(64),
    redis_version  varchar(32),
    rdb_version    integer,
    expires_at     timestamptz,
    error_code     varchar(64),
    error_message  text,
    delete_task_id uuid
);
create index backup_by_instance on backup (instance_id, created_at desc);

-- Messages written in the same transaction as the change they announce, relayed to Kafka afterwards.
create table outbox_message (
    id          bigserial primary key,
    topic       varchar(100) not null,
    message_key varchar(100) not null,
    payload     text         not null,
    created_at  timestamptz  not null
);
