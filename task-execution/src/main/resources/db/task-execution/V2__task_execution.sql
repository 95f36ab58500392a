-- Each command this worker has taken up, so that a redelivered command is not carried out twice and a command
-- whose worker died is retried a bounded number of times.
create table task_execution (
    task_id     uuid primary key,
    instance_id uuid        not null,
    backup_id   uuid        not null,
    status      varchar(16) not null,
    attempt     integer     not null,
    updated_at  timestamptz not null
);
