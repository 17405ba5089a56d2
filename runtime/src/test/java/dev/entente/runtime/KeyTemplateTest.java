package dev.entente.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KeyTemplateTest {

    record Customer(String id) {
    }

    public static final class Order {
        private final Customer customer;

        Order(Customer customer) {
            this.customer = customer;
        }

        public Customer getCustomer() {
            return customer;
        }
    }

    @Test
    void argumentsAndTheirPropertiesFillThePlaceholders() {
        KeyTemplate template = new KeyTemplate("order:{0}:{1.customer.id}", "Shop.place", 2);

        assertThat(template.resolve(new Object[] {42, new Order(new Customer("c7"))})).isEqualTo("order:42:c7");
    }

    @Test
    void aTemplateThatDoesNotResolveNamesTheMethodAndTheTemplate() {
        assertThatThrownBy(() -> new KeyTemplate("sku:{2}", "Shop.reserve", 1))
                .hasMessage("Shop.reserve: key template 'sku:{2}' names argument 2 but the method takes 1");
        assertThatThrownBy(() -> new KeyTemplate("sku:{0.weight}", "Shop.reserve", 1).resolve(new Object[] {"apple"}))
                .hasMessageContaining("Shop.reserve: key template 'sku:{0.weight}' does not resolve")
                .hasMessageContaining("has no property 'weight'");
        assertThatThrownBy(() -> new KeyTemplate("sku:{0.id}", "Shop.reserve", 1).resolve(new Object[] {null}))
                .hasMessageContaining("{0} is null");
        assertThatThrownBy(() -> new KeyTemplate("sku:{zero}", "Shop.reserve", 1))
                .hasMessageContaining("malformed placeholder");
    }

    @Test
    void theResultAndItsPropertiesFillResultPlaceholdersWhereTheResultIsKnown() {
        KeyTemplate template = new KeyTemplate("{result.customer.id}/{0}", "Shop.place", 1, true);

        assertThat(template.resolve(new Object[] {"o1"}, new Order(new Customer("c7")))).isEqualTo("c7/o1");
        assertThatThrownBy(() -> template.resolve(new Object[] {"o1"}, null)).hasMessageContaining("{result} is null");
        assertThatThrownBy(() -> new KeyTemplate("sku:{result.id}", "Shop.reserve", 1))
                .hasMessageContaining("Shop.reserve: key template 'sku:{result.id}' names {result}");
    }
}
