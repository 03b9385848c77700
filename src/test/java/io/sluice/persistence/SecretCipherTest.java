package io.sluice.persistence;

import io.sluice.SluiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTest {

    @TempDir
    Path dataDir;

    @Test
    void aSecretEncryptsDifferentlyEachTimeAndDecryptsBack() {
        SecretCipher cipher = SecretCipher.configured(null, dataDir, notice -> { });

        String once = cipher.encrypt("securepassword");
        String twice = cipher.encrypt("securepassword");

        assertThat(once).startsWith("v1:").doesNotContain("securepassword").isNotEqualTo(twice);
        assertThat(cipher.decrypt(once)).isEqualTo("securepassword");
    }

    @Test
    void withoutAConfiguredKeyOneIsGeneratedOnceIntoTheDataFolderForItsOwnerOnlyAndTheUserIsTold() throws Exception {
        List<String> notices = new ArrayList<>();

        String sealed = SecretCipher.configured(null, dataDir, notices::add).encrypt("pw");
        String opened = SecretCipher.configured(null, dataDir, notices::add).decrypt(sealed);

        assertThat(opened).isEqualTo("pw");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0)).contains("secret.key", "SLUICE_SECRET_KEY").doesNotContain(Files.readString(dataDir.resolve("secret.key")).trim());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("secret.key")))).isEqualTo("rw-------");
    }

    @Test
    void anotherKeyCannotReadTheSecretAndSaysSoWithoutAStackOfCryptoErrors() {
        String sealed = SecretCipher.configured(null, dataDir, notice -> { }).encrypt("pw");
        SecretCipher other = SecretCipher.fromBase64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        assertThatThrownBy(() -> other.decrypt(sealed)).isInstanceOf(SluiceException.class).hasMessageContaining("cannot be decrypted");
    }

    @Test
    void aKeyOfTheWrongLengthIsAUsageErrorThatSaysHowToMakeOne() {
        assertThatThrownBy(() -> SecretCipher.fromBase64("c2hvcnQ=")).isInstanceOf(SluiceException.class).hasMessageContaining("openssl rand -base64 32");
    }
}
