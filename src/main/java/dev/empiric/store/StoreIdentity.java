package dev.empiric.store;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The id of the store this server works on, the same for every server that shares it. Containers and
 * volumes carry it as a label: on a Docker engine that several servers share, a server may remove
 * what another server of its own store left behind (once that server's lease on the trial ran out),
 * and it leaves alone whatever carries another store's id, even when instance ids happen to match.
 * The first server to start on a store makes the id; one that loses that race reads the winner's.
 */
@ApplicationScoped
public class StoreIdentity {

    private final EntityManager em;
    private volatile String id;

    StoreIdentity(EntityManager em) {
        this.em = em;
    }

    public String id() {
        String known = id;
        if (known == null) {
            known = stored().orElseGet(this::create);
            id = known;
        }
        return known;
    }

    private Optional<String> stored() {
        List<?> rows = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "select id from store_identity where singleton = 1").getResultList());
        return rows.stream().findFirst().map(Object::toString);
    }

    private String create() {
        String made = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                    "insert into store_identity (singleton, id) values (1, ?1)").setParameter(1, made).executeUpdate());
            return made;
        } catch (RuntimeException anotherServerMadeIt) {
            return stored().orElseThrow(() -> anotherServerMadeIt);
        }
    }
}
