package pro.codai.platform.system;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Marks the application deployed when its web context starts: that happens only after its CDI
 * container validated, so a failed deployment never marks (see {@link DeploymentReadinessCheck}).
 */
@WebListener
public class DeploymentMarker implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        System.setProperty(
                DeploymentReadinessCheck.DEPLOYED_PREFIX
                        + DeploymentReadinessCheck.root(event.getServletContext().getContextPath()),
                "true");
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        System.clearProperty(
                DeploymentReadinessCheck.DEPLOYED_PREFIX
                        + DeploymentReadinessCheck.root(
                                event.getServletContext().getContextPath()));
    }
}
