package pro.codai.platform.account;

/** The quota policy a person is on. The campus maps directory groups to plans. */
public enum Plan {
    /** Try Now 2 h/day, basic assistant, limited downloads. */
    FREE,
    /** Unlimited Try Now, all downloads, advanced assistant; needs student verification. */
    STUDENT,
    /** Adds API keys, custom models and advanced analytics. */
    PRO,
    /** Adds SSO, custom deployment and branding. */
    CAMPUS
}
