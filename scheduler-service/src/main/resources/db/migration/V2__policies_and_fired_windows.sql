-- The scheduler's own copy of every instance's backup policy, from the compacted backup-policies topic, with
-- where to reach the instance (password sealed) for the commands it issues.
create table policy (
    instance_id     uuid primary key,
    revision        bigint       not null,
    enabled         boolean      not null,
    weekdays        varchar(80)  not null,
    start_hour      integer      not null,
    timezone        varchar(64)  not null,
    retention_days  integer      not null,
    host            varchar(255) not null,
    port            integer      not null,
    username        varchar(255),
    password_sealed text         not null,
    tls             boolean      not null,
    updated_at      timestamptz  not null
);

-- One row per backup window fired: its key is what makes "at most once a day" hold across replicas and restarts.
create table fired_window (
    instance_id uuid        not null,
    day         date        not null,
    task_id     uuid        not null,
    backup_id   uuid        not null,
    fired_at    timestamptz not null,
    primary key (instance_id, day)
);

-- Commands and events sent in the transaction that fired them.
create table outbox_message (
    id          bigserial primary key,
    topic       varchar(100) not null,
    message_key varchar(100) not null,
    payload     text,
    created_at  timestamptz  not null
);
