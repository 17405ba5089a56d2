package dev.entente.spring.boot;

import dev.entente.api.EntenteStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health of Entente in this application, whatever Boot's health API: UP while the agent is attached, a
 * coordinator is configured, the RM session to its leader is up (so the coordinator is reachable and phase 2
 * can reach this service) and recovery's last scan of each database went through (so what a crash left in doubt
 * gets settled); DOWN with the reason otherwise. Details: the coordinator, the cluster, the RM session,
 * recovery's in-doubt branches and failed scans. Boot 3's and Boot 4's indicators only translate it.
 */
record EntenteHealth(boolean up, Map<String, Object> details) {

    static EntenteHealth now() {
        EntenteStatus status = EntenteStatus.current();
        Map<String, Object> details = new LinkedHashMap<>(status.details());
        details.remove("problem");
        status.problem().ifPresent(problem -> details.put("reason", problem));
        return new EntenteHealth(status.problem().isEmpty(), details);
    }
}
