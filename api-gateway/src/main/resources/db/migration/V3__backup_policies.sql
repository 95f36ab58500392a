-- Each instance's backup policy: the weekdays and the hour (in its time zone) of its automatic backup, and how
-- long backups are kept. revision grows with every change, as published on the backup-policies topic.
create table backup_policy (
    instance_id    uuid primary key references instance (id) on delete cascade,
    enabled        boolean     not null,
    weekdays       varchar(80) not null,
    start_hour     integer     not null,
    timezone       varchar(64) not null,
    retention_days integer     not null,
    revision       bigint      not null,
    updated_at     timestamptz not null
);

-- a tombstone (a record with a key and no value) removes an instance from a compacted topic
alter table outbox_message alter column payload drop not null;
