package pro.codai.sandbox.lxc.internal;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.StringArray;

/** An {@code lxc_attach_command_t}: the program and its argv, in native memory. */
public final class AttachCommand {

    private final Memory command = new Memory(2L * Native.POINTER_SIZE);
    private final Memory program;
    private final StringArray argv;

    public AttachCommand(List<String> arguments) {
        program = new Memory(arguments.get(0).getBytes(StandardCharsets.UTF_8).length + 1L);
        program.setString(0, arguments.get(0), "UTF-8");
        argv = new StringArray(arguments.toArray(String[]::new), "UTF-8");
        command.setPointer(0, program);
        command.setPointer(Native.POINTER_SIZE, argv);
    }

    Pointer pointer() {
        return command;
    }
}
