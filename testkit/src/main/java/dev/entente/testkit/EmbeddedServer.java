package dev.entente.testkit;

/** A database server process this JVM started; stopped when the JVM exits. */
interface EmbeddedServer {

    /** The administrator's URL: loopback address, the server's port, credentials as parameters. */
    JdbcServerUrl url();

    /** Stops the server and starts it again on the same port and data directory. */
    void restart();
}
