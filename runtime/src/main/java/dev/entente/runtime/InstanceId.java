package dev.entente.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The name of this runtime among an application's instances, {@code app@pid@host/xxxxxxxx}: what the
 * coordinator's views show for the RM session and the branches it prepared, and how a vote names the
 * instance that can finish its branch. Made when the runtime starts, not when the agent does: the process
 * id and host name start the JDK's process handling (a thread pool the agent would then instrument at
 * start-up), and the random part needs no {@code SecureRandom}.
 */
final class InstanceId {

    private InstanceId() {
    }

    static String of(String app) {
        return app + "@" + ProcessHandle.current().pid() + "@" + hostName() + "/" + randomSuffix();
    }

    /** This host's name, as the JVM's own management name ({@code pid@host}) gives it. */
    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Tells two runs of one process id on one host apart; it need not be unguessable. */
    private static String randomSuffix() {
        return Long.toHexString(0x1_0000_0000L | (ThreadLocalRandom.current().nextInt() & 0xffff_ffffL)).substring(1);
    }
}
