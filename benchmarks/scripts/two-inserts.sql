-- pgbench script: the two-commit limit of a first request (claim, then store the result), as two autocommit inserts
\set k random(1, 2000000000)
INSERT INTO bench_raw VALUES (:client_id || '-' || :k || '-a', 1) ON CONFLICT DO NOTHING;
INSERT INTO bench_raw VALUES (:client_id || '-' || :k || '-b', 1) ON CONFLICT DO NOTHING;
