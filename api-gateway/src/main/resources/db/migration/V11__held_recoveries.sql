-- A whole-instance recovery accepted and held until the backup of its target as it is now (its safety backup) has
-- succeeded: then its command is sent; if that backup fails, the recovery fails and nothing was changed.
create table held_recovery (
    task_id          uuid primary key,
    instance_id      uuid        not null,
    safety_backup_id uuid        not null unique,
    project          varchar(64) not null,
    command          text        not null,
    held_at          timestamptz not null
);
