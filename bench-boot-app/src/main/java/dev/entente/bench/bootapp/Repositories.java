package dev.entente.bench.bootapp;

import java.util.List;
import org.springframework.data.jpa.repository.JpaRepository;

/** The Spring Data repositories of the catalogue. */
final class Repositories {

    private Repositories() {
    }

    interface Categories extends JpaRepository<Category, Long> {
        Category findByName(String name);
    }

    interface Products extends JpaRepository<Product, Long> {
        List<Product> findByCategoryName(String category);
    }

    interface Reviews extends JpaRepository<Review, Long> {
        List<Review> findByProductId(Long productId);
    }
}
