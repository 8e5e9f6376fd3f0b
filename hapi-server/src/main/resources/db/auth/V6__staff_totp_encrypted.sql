-- Staff TOTP secrets are now stored encrypted (TotpSecretCipher: "v1:" and base64), longer than the
-- base32 text they replace. Secrets stored before are encrypted by hapi-server when it starts.
ALTER TABLE staff_totp ALTER COLUMN secret TYPE text;
