package dev.empiric.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.util.ArrayList;
import java.util.List;

/**
 * Every {@code @QuarkusTest} calls the API as the admin, as the demo does: before each test a global
 * RestAssured filter is installed that sends the server's admin token with every request that names
 * no other token. Tests of access control choose another caller with {@link Api#as(String)} or
 * {@link Api#anonymous()}. Registered in
 * {@code META-INF/services/io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback}.
 */
public class AdminTokenByDefault implements QuarkusTestBeforeEachCallback {

    static final String AUTHORIZATION = "Authorization";
    /** The header value {@link Api#anonymous()} sets so that this filter sends no token at all. */
    static final String NONE = "(none)";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        List<Filter> filters = new ArrayList<>(RestAssured.filters());
        filters.removeIf(filter -> filter instanceof AdminHeader);
        filters.add(new AdminHeader("Bearer " + Api.adminToken()));
        RestAssured.replaceFiltersWith(filters);
    }

    /** Runs after every other filter, so a token chosen by the test wins. */
    private record AdminHeader(String value) implements OrderedFilter {

        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                FilterContext context) {
            String chosen = request.getHeaders().getValue(AUTHORIZATION);
            if (NONE.equals(chosen)) {
                request.removeHeader(AUTHORIZATION);
            } else if (chosen == null) {
                request.header(AUTHORIZATION, value);
            }
            return context.next(request, response);
        }

        @Override
        public int getOrder() {
            return LOWEST_PRECEDENCE;
        }
    }
}
