package dev.entente.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.entente.testkit.CoordinatorSecurity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings tls-ca and secret-file: bad files stop start-up naming the setting, and the secret shows nowhere. */
class CoordinatorSecuritySettingsTest {

    private static Settings resolve(Map<String, String> environment) {
        return Settings.resolve(Map.of("app", "orders"), environment, new Properties());
    }

    @Test
    void withoutThemTheApplicationSpeaksPlainText() {
        assertThat(resolve(Map.of()).coordinatorSecurity().isTls()).isFalse();
    }

    @Test
    void withTheCaAndASecretItSpeaksTlsAndNeverShowsTheSecret(@TempDir Path work) throws Exception {
        CoordinatorSecurity security = CoordinatorSecurity.create(work).app("orders");
        Settings settings = resolve(Map.of("ENTENTE_TLS_CA", security.authority().toString(),
                "ENTENTE_SECRET_FILE", security.secretFile("orders").toString()));
        assertThat(settings.coordinatorSecurity().isTls()).isTrue();
        assertThat(settings.toString()).contains("TLS, authenticated as application 'orders'")
                .doesNotContain(Files.readString(security.secretFile("orders")).trim());
    }

    @Test
    void badFilesStopStartUpNamingTheSetting(@TempDir Path work) throws Exception {
        CoordinatorSecurity security = CoordinatorSecurity.create(work).app("orders");
        Path missing = work.resolve("missing.pem");
        assertThatThrownBy(() -> resolve(Map.of("ENTENTE_TLS_CA", missing.toString())))
                .isInstanceOf(Settings.InvalidSetting.class)
                .hasMessage("environment variable ENTENTE_TLS_CA: " + missing + " does not exist or is not a file");
        assertThatThrownBy(() -> resolve(Map.of("ENTENTE_TLS_CA", security.secretFile("orders").toString())))
                .hasMessageStartingWith("environment variable ENTENTE_TLS_CA: ").hasMessageContaining("is not a PEM certificate file");
        Path weak = Files.writeString(work.resolve("weak.secret"), "hunter2\n");
        assertThatThrownBy(() -> resolve(Map.of("ENTENTE_TLS_CA", security.authority().toString(),
                "ENTENTE_SECRET_FILE", weak.toString())))
                .hasMessageStartingWith("environment variable ENTENTE_SECRET_FILE: " + weak)
                .hasMessageContaining("16 to 256 characters").hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> resolve(Map.of("ENTENTE_SECRET_FILE", security.secretFile("orders").toString())))
                .hasMessageStartingWith("environment variable ENTENTE_SECRET_FILE: needs tls-ca as well");
    }
}
