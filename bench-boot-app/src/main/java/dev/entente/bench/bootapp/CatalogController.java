package dev.entente.bench.bootapp;

import java.util.List;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The catalogue's HTTP API: add a product (and its category), list a category, review a product. */
@RestController
class CatalogController {

    private final Repositories.Categories categories;
    private final Repositories.Products products;
    private final Repositories.Reviews reviews;

    CatalogController(Repositories.Categories categories, Repositories.Products products, Repositories.Reviews reviews) {
        this.categories = categories;
        this.products = products;
        this.reviews = reviews;
    }

    @PostMapping("/products")
    @Transactional
    Long add(@RequestParam String name, @RequestParam long priceCents, @RequestParam String category) {
        Category known = categories.findByName(category);
        Category target = known != null ? known : categories.save(new Category(category));
        return products.save(new Product(name, priceCents, target)).getId();
    }

    @GetMapping("/categories/{name}/products")
    List<String> list(@PathVariable String name) {
        return products.findByCategoryName(name).stream().map(Product::getName).toList();
    }

    @PostMapping("/products/{id}/reviews")
    @Transactional
    int review(@PathVariable Long id, @RequestParam int stars, @RequestParam String text) {
        reviews.save(new Review(products.getReferenceById(id), stars, text));
        return reviews.findByProductId(id).size();
    }
}
