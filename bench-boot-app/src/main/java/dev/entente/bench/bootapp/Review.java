package dev.entente.bench.bootapp;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;

/** A customer's review of a product. */
@Entity
public class Review {

    @Id
    @GeneratedValue
    private Long id;

    @ManyToOne
    private Product product;

    private int stars;

    private String text;

    protected Review() {
    }

    public Review(Product product, int stars, String text) {
        this.product = product;
        this.stars = stars;
        this.text = text;
    }

    public int getStars() {
        return stars;
    }
}
