-- Care for the source: the memory an instance's machine or container may use, when the server's INFO does not show
-- it, and the most bytes a second a backup may read from it. Null: not set.
alter table instance add column memory_limit_bytes bigint;
alter table instance add column backup_max_bytes_per_second bigint;
