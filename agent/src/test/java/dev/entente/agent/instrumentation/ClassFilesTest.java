package dev.entente.agent.instrumentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * Super types' class files are read from the jar or folder of the class that names them when they are there,
 * and through the class loader otherwise; either way the class file says where it was found, so that its own
 * super types are looked for there next.
 */
class ClassFilesTest {

    private final ClassLoader loader = getClass().getClassLoader();

    @Test
    void aClassOfTheSameJarIsReadFromItAndKeepsItsCodeSource() {
        URL postgresJar = codeSourceOf(org.postgresql.jdbc.PgConnection.class);
        ClassLoader blind = new URLClassLoader(new URL[0], null); // finds no class of the driver: only the jar can

        ClassFile base = ClassFiles.find("org.postgresql.core.BaseConnection", blind, postgresJar);

        assertThat(base).isNotNull();
        assertThat(base.name()).isEqualTo("org.postgresql.core.BaseConnection");
        assertThat(base.interfaceNames()).contains("java.sql.Connection");
        assertThat(base.codeSource()).isEqualTo(postgresJar);
    }

    @Test
    void aClassOfAnotherJarIsFoundThroughTheLoaderAndNamesThatJar() {
        URL postgresJar = codeSourceOf(org.postgresql.jdbc.PgConnection.class);

        ClassFile elsewhere = ClassFiles.find("org.assertj.core.api.Assertions", loader, postgresJar);

        assertThat(elsewhere).isNotNull();
        assertThat(elsewhere.name()).isEqualTo("org.assertj.core.api.Assertions");
        assertThat(elsewhere.codeSource()).isEqualTo(codeSourceOf(org.assertj.core.api.Assertions.class));
    }

    @Test
    void aClassOfAFolderIsReadFromIt() {
        URL testClasses = codeSourceOf(ClassFilesTest.class);

        ClassFile own = ClassFiles.find(ClassFilesTest.class.getName(), new URLClassLoader(new URL[0], null), testClasses);

        assertThat(own).isNotNull();
        assertThat(own.codeSource()).isEqualTo(testClasses);
    }

    @Test
    void aClassNoWhereIsNull() {
        assertThat(ClassFiles.find("com.example.Nowhere", loader, codeSourceOf(org.postgresql.jdbc.PgConnection.class))).isNull();
        assertThat(ClassFiles.find("com.example.Nowhere", loader)).isNull();
    }

    private static URL codeSourceOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation();
    }
}
