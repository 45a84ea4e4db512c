-- Confirmation of gains on fresh seed sets and noise measured at each incumbent (docs/labels.md).
-- Portable across H2 and PostgreSQL.
ALTER TABLE trial ADD COLUMN confirmation TEXT;
ALTER TABLE trial ADD COLUMN confirmation_seconds DOUBLE PRECISION;
ALTER TABLE campaign ADD COLUMN noise_sources TEXT;
