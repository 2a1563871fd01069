package pro.codai.portal.landing;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import pro.codai.platform.site.SiteFigures;

/** The landing page: branding and the real figures behind the social proof. */
@Named
@RequestScoped
public class LandingPage {

    @Inject SiteFigures siteFigures;

    private SiteFigures.Figures figures;

    @PostConstruct
    void load() {
        figures = siteFigures.current();
    }

    /** The figures; a record, so pages call its accessors: {@code figures.users()}. */
    public SiteFigures.Figures getFigures() {
        return figures;
    }
}
