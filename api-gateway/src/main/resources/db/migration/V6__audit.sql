-- The audit trail: every request that changed something, downloaded a backup, or was refused for authorization.
create table audit_entry (
    id             bigserial primary key,
    occurred_at    timestamptz  not null,
    actor          varchar(200) not null,
    actor_name     varchar(200),
    action         varchar(200) not null,
    path           text         not null,
    instance_id    uuid,
    backup_id      uuid,
    project        varchar(64),
    outcome        integer      not null,
    source_address varchar(100)
);
create index audit_by_time on audit_entry (occurred_at desc, id desc);
create index audit_by_actor on audit_entry (actor, occurred_at desc);
create index audit_by_project on audit_entry (project, occurred_at desc);
