package dev.entente.agent.apps.persistence;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A row of table {@code entry}, for the JPA stack. */
@Entity
@Table(name = "entry")
public class Entry {

    @Id
    private String id;
    private String stack;

    protected Entry() {
    }

    public Entry(String id, String stack) {
        this.id = id;
        this.stack = stack;
    }

    public String getId() {
        return id;
    }

    public String getStack() {
        return stack;
    }
}
