package pro.codai.portal.ide;

/** The person's plan allows no more Try Now time today; their files stay for tomorrow. */
public final class QuotaUsedUpException extends Exception {

    private static final long serialVersionUID = 1L;

    QuotaUsedUpException(long allowanceSeconds) {
        super(
                "Today's Try Now time ("
                        + Quota.duration(allowanceSeconds)
                        + ") is used up; your files are kept. It starts again tomorrow.");
    }
}
