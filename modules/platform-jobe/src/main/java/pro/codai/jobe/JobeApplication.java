package pro.codai.jobe;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** Jobe's REST API lives at {@code index.php/restapi} (Jobe is a CodeIgniter application). */
@ApplicationPath("/index.php/restapi")
public class JobeApplication extends Application {}
