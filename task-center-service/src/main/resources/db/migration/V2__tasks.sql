-- Every backup, recovery and deletion, as the task-status topic tells it.
create table task (
    id            uuid primary key,
    type          varchar(32) not null,
    instance_id   uuid        not null,
    backup_id     uuid,
    trigger       varchar(16),
    status        varchar(16) not null,
    progress      jsonb,
    message       text,
    error_code    varchar(64),
    error_message text,
    result        jsonb,
    created_at    timestamptz not null,
    started_at    timestamptz,
    finished_at   timestamptz,
    updated_at    timestamptz not null,
    -- the highest sequence applied: an event with a lower or equal one is a duplicate or stale
    last_sequence bigint      not null
);
create index task_by_created on task (created_at desc);
create index task_by_instance on task (instance_id, created_at desc);
create index task_running on task (status, updated_at) where status = 'RUNNING';

-- Each status a task went through, in order.
create table task_status_change (
    id          bigserial primary key,
    task_id     uuid        not null references task (id) on delete cascade,
    sequence    bigint      not null,
    status      varchar(16) not null,
    occurred_at timestamptz not null,
    message     text
);
create index task_status_change_by_task on task_status_change (task_id, sequence);
