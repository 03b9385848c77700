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
    void a_secret_encrypts_differently_each_time_and_decrypts_back() {
        SecretCipher cipher = SecretCipher.configured(null, dataDir, notice -> { });

        String once = cipher.encrypt("securepassword");
        String twice = cipher.encrypt("securepassword");

        assertThat(once).startsWith("v1:").doesNotContain("securepassword").isNotEqualTo(twice);
        assertThat(cipher.decrypt(once)).isEqualTo("securepassword");
    }

    @Test
    void without_a_configured_key_one_is_generated_once_into_the_data_folder_for_its_owner_only_and_the_user_is_told() throws Exception {
        List<String> notices = new ArrayList<>();

        String sealed = SecretCipher.configured(null, dataDir, notices::add).encrypt("pw");
        String opened = SecretCipher.configured(null, dataDir, notices::add).decrypt(sealed);

        assertThat(opened).isEqualTo("pw");
        assertThat(notices).hasSize(1);
        assertThat(notices.get(0)).contains("secret.key", "SLUICE_SECRET_KEY").doesNotContain(Files.readString(dataDir.resolve("secret.key")).trim());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve("secret.key")))).isEqualTo("rw-------");
    }

    @Test
    void another_key_cannot_read_the_secret_and_says_so_without_a_stack_of_crypto_errors() {
        String sealed = SecretCipher.configured(null, dataDir, notice -> { }).encrypt("pw");
        SecretCipher other = SecretCipher.fromBase64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        assertThatThrownBy(() -> other.decrypt(sealed)).isInstanceOf(SluiceException.class).hasMessageContaining("cannot be decrypted");
    }

    @Test
    void a_key_of_the_wrong_length_is_a_usage_error_that_says_how_to_make_one() {
        assertThatThrownBy(() -> SecretCipher.fromBase64("c2hvcnQ=")).isInstanceOf(SluiceException.class).hasMessageContaining("openssl rand -base64 32");
    }
}
