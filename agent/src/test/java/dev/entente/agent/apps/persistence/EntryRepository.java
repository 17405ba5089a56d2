package dev.entente.agent.apps.persistence;

import org.springframework.data.jpa.repository.JpaRepository;

/** Spring Data JPA's repository of {@link Entry}. */
public interface EntryRepository extends JpaRepository<Entry, String> {
}
