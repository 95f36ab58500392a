-- The tasks the gateway accepted (202), written with their command: a task is visible as PENDING from the gateway
-- at once, before (or without) the task center hearing of it, e.g. while Kafka cannot be reached.
create table accepted_task (
    task_id     uuid primary key,
    type        varchar(32) not null,
    instance_id uuid        not null,
    project     varchar(64) not null,
    backup_id   uuid,
    trigger     varchar(16) not null,
    accepted_at timestamptz not null
);
create index accepted_task_by_time on accepted_task (accepted_at);
