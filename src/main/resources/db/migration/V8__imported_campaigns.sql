-- Campaigns imported from another harness's results file (export.ImportService): read-only, status
-- IMPORTED. What was imported (format, the file's SHA-256, the score column and its direction) as JSON.
ALTER TABLE campaign ADD COLUMN imported_from VARCHAR(2000);

-- The status exactly as an imported file wrote it (keep, discard, harness_abort, ...), beside its label.
ALTER TABLE trial ADD COLUMN source_status VARCHAR(100);
