package pro.codai.jobe;

import jakarta.ws.rs.ext.Provider;

import pro.codai.platform.web.BoundedBodies;

/**
 * Jobe's bodies: at most 32 MB (413 problem details). Their depth is left to {@link RunSpecs},
 * which answers JSON nested too deeply as Jobe does ("Non-JSON post data received").
 */
@Provider
public class JobeBodies extends BoundedBodies {

    public JobeBodies() {
        super(0);
    }
}
