package dev.entente.bench.bootapp;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;

/** A product, in one category, with its price in cents. */
@Entity
public class Product {

    @Id
    @GeneratedValue
    private Long id;

    private String name;

    private long priceCents;

    @ManyToOne
    private Category category;

    protected Product() {
    }

    public Product(String name, long priceCents, Category category) {
        this.name = name;
        this.priceCents = priceCents;
        this.category = category;
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public long getPriceCents() {
        return priceCents;
    }
}
