-- A resource's Chinese name, beside the one it has (spaces and host
-- institutions have had theirs since the baseline): clients show it to
-- readers of Chinese, and a search of the resources matches it too.
-- Empty where there is none.
ALTER TABLE resources ADD COLUMN name_zh text NOT NULL DEFAULT ''
  CHECK (length(name_zh) <= 200);
