package dev.entente.shop;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
public class ShopController {

    private final Orders orders;
    private final Stock stock;

    public ShopController(Orders orders, Stock stock) {
        this.orders = orders;
        this.stock = stock;
    }

    @PostMapping("/orders")
    public String order(@RequestParam String item, @RequestParam(defaultValue = "false") boolean fail) {
        return orders.place(item, fail);
    }

    @PostMapping("/stock/take")
    public String take(@RequestParam String item) {
        stock.take(item);
        return "taken " + item;
    }
}
