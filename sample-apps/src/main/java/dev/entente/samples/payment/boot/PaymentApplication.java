package dev.entente.samples.payment.boot;

import dev.entente.api.GlobalTransactional;
import dev.entente.samples.shop.Refused;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The payment service as most teams would write it: Spring Boot, a {@code @RestController}, a
 * {@code @Transactional} service over {@code JdbcTemplate} and Boot's HikariCP. Entente adds only the
 * {@code @GlobalTransactional} annotation. Same API and tables as
 * {@link dev.entente.samples.payment.PaymentService}.
 *
 * <p>Run: {@code PaymentApplication --server.port=P --spring.datasource.url=JDBC_URL}.
 */
@SpringBootApplication
public class PaymentApplication {

    public static void main(String[] args) {
        SpringApplication.run(PaymentApplication.class, args);
    }

    /** The line the demo waits for, as the plain services print it. */
    @EventListener(ApplicationReadyEvent.class)
    public void ready(ApplicationReadyEvent event) {
        Environment environment = event.getApplicationContext().getEnvironment();
        System.out.println("payment (Spring Boot) ready on " + environment.getProperty("local.server.port"));
        System.out.flush();
    }

    @RestController
    static class PaymentController {
        private final Payments payments;

        PaymentController(Payments payments) {
            this.payments = payments;
        }

        @PostMapping("/pay")
        String pay(@RequestParam("order") String order, @RequestParam("customer") String customer,
                   @RequestParam("amount") int amount) {
            if (amount <= 0) {
                throw new Refused(400, "query parameter 'amount' must be a positive whole number, not '" + amount + "'");
            }
            return payments.pay(order, customer, amount) + "\n";
        }

        @ExceptionHandler(Refused.class)
        ResponseEntity<String> refused(Refused refused) {
            return ResponseEntity.status(refused.status()).body(refused.getMessage() + "\n");
        }
    }

    @Service
    public static class Payments {
        private final JdbcTemplate jdbc;

        Payments(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        /** Joins the caller's global transaction; Spring's local transaction becomes its XA branch. */
        @GlobalTransactional
        @Transactional
        public String pay(String order, String customer, int amount) {
            Integer balance = jdbc.query("select balance from accounts where customer = ? for update",
                    rows -> rows.next() ? rows.getInt(1) : null, customer);
            if (balance == null) {
                throw new Refused(404, "unknown customer " + customer);
            }
            if (balance < amount) {
                throw new Refused(402, "balance short: " + customer + " has " + balance + ", order " + order + " costs " + amount);
            }
            jdbc.update("update accounts set balance = balance - ? where customer = ?", amount, customer);
            jdbc.update("insert into payments (order_id, customer, amount) values (?, ?, ?)", order, customer, amount);
            return "paid " + amount + " by " + customer + " for " + order;
        }
    }
}
