-- Each entry and pending write keeps the size it counts for in its store's size_bytes, as
-- the object store decides it (key and value bytes as the client sent them), instead of the
-- backend deriving it from the stored bytes. Existing rows get the size they counted for
-- until now: key and stored value bytes, less the 30 bytes of AES-GCM framing (header, nonce, tag) of an
-- encrypted value.
ALTER TABLE entries ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE entries SET size = length(key) + length(value) - value_encrypted * 30;

ALTER TABLE pending_writes ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
UPDATE pending_writes SET size = length(key) + length(value) - value_encrypted * 30;
