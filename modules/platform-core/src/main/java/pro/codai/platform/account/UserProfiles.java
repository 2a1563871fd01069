package pro.codai.platform.account;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/** Finds and provisions user profiles. */
@ApplicationScoped
@Transactional
public class UserProfiles {

    @PersistenceContext(unitName = "codaipro")
    EntityManager entityManager;

    public Optional<UserProfile> findBySubject(String subject) {
        return entityManager
                .createNamedQuery(UserProfile.FIND_BY_SUBJECT, UserProfile.class)
                .setParameter("subject", subject)
                .getResultStream()
                .findFirst();
    }

    /** Number of people who have ever signed in. */
    public long count() {
        return entityManager.createNamedQuery(UserProfile.COUNT_ALL, Long.class).getSingleResult();
    }
}
