-- The partition key of a receipt: a keyed pseudonym (HMAC) of the patient identity its payload writes
-- (NHS number, else partner MRN), never the identifier itself. Messages with one key go to one
-- partition queue and so are consumed one after another. NULL when no patient could be read.
ALTER TABLE receipt ADD COLUMN patient_key text;
