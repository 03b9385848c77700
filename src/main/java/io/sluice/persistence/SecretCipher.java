package io.sluice.persistence;

import io.sluice.InvalidInputException;
import io.sluice.OperationFailedException;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * Encrypts secrets found in legacy stores (database passwords) before they are stored:
 * AES-256-GCM with a random nonce, stored as {@code v1:<base64 nonce+ciphertext>}.
 *
 * <p>The key comes from {@code SLUICE_SECRET_KEY} / {@code sluice.secret-key} (base64, 32 bytes).
 * Without one, a key is generated once into {@code <data dir>/secret.key} (owner-only) and the user
 * is told where it is, so that a first run works and the key can be moved somewhere safer.
 */
public final class SecretCipher {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private SecretCipher(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    public static SecretCipher fromBase64(String base64Key) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64Key.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("SLUICE_SECRET_KEY is not base64; generate one with: openssl rand -base64 32");
        }
        if (key.length != 32) {
            throw new InvalidInputException("SLUICE_SECRET_KEY must be 32 bytes (base64 of 44 characters); generate one with: openssl rand -base64 32");
        }
        return new SecretCipher(key);
    }

    /** The configured key, or the one kept in the data folder, generated on first use (the notice goes to {@code notice}). */
    public static SecretCipher configured(String configuredKey, Path dataDir, Consumer<String> notice) {
        if (configuredKey != null && !configuredKey.isBlank()) {
            return fromBase64(configuredKey);
        }
        Path keyFile = dataDir.toAbsolutePath().resolve("secret.key");
        try {
            if (!Files.exists(keyFile)) {
                Files.createDirectories(keyFile.getParent());
                byte[] key = new byte[32];
                RANDOM.nextBytes(key);
                Files.writeString(keyFile, Base64.getEncoder().encodeToString(key) + System.lineSeparator());
                restrictToOwner(keyFile);
                notice.accept("No SLUICE_SECRET_KEY set: generated a key for encrypting database passwords at " + keyFile
                        + ". Keep it safe: without it the stored passwords cannot be read. To use your own, set SLUICE_SECRET_KEY"
                        + " (openssl rand -base64 32).");
            }
            return fromBase64(Files.readString(keyFile));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the secret key file " + keyFile, e);
        }
    }

    public String encrypt(String plainText) {
        if (plainText == null) {
            return null;
        }
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            byte[] sealed = cipher.doFinal(plainText.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[nonce.length + sealed.length];
            System.arraycopy(nonce, 0, out, 0, nonce.length);
            System.arraycopy(sealed, 0, out, nonce.length, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    public String decrypt(String stored) {
        if (stored == null) {
            return null;
        }
        if (!stored.startsWith(PREFIX)) {
            throw new OperationFailedException("a stored secret is not in sluice's encrypted form");
        }
        try {
            byte[] in = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, 0, NONCE_BYTES));
            return new String(cipher.doFinal(in, NONCE_BYTES, in.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new OperationFailedException("a stored secret cannot be decrypted with the configured key (SLUICE_SECRET_KEY or secret.key)");
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the file keeps the folder's permissions
        }
    }
}
