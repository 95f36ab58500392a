-- How gently the instance's backups are taken (its SourceCare), from its policy record; null when not set.
alter table policy add column memory_limit_bytes bigint;
alter table policy add column max_bytes_per_second bigint;
