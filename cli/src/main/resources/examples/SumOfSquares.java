import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's distributed program: each rank sums the squares of its share of 1..N, the
 * other ranks send their partial sums to rank 0 over TCP at CORRAL_HEAD_ADDR, rank 0 adds
 * them up, prints the total and sends it back to every rank. Run with `java SumOfSquares.java N`.
 */
public class SumOfSquares {
    static final int CONNECT_ATTEMPTS_MAX = 300;
    static final int CONNECT_RETRY_MILLIS = 100;
    static final int ACCEPT_TIMEOUT_MILLIS = 120_000;

    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[0]);
        int rank = Integer.parseInt(System.getenv("CORRAL_RANK"));
        int world = Integer.parseInt(System.getenv("CORRAL_WORLD_SIZE"));
        String head = System.getenv("CORRAL_HEAD_ADDR");
        int colon = head.lastIndexOf(':');
        String host = head.substring(0, colon);
        int port = Integer.parseInt(head.substring(colon + 1));

        long partial = 0;
        for (long i = rank + 1; i <= n; i += world) {
            partial = Math.addExact(partial, i * i);
        }
        System.out.println("rank " + rank + "/" + world + " partial sum " + partial);

        if (rank == 0) {
            try (ServerSocket server = new ServerSocket(port)) {
                server.setSoTimeout(ACCEPT_TIMEOUT_MILLIS);
                long total = partial;
                List<Socket> peers = new ArrayList<>();
                for (int i = 1; i < world; i++) {
                    Socket peer = server.accept();
                    DataInputStream in = new DataInputStream(peer.getInputStream());
                    int from = in.readInt();
                    long value = in.readLong();
                    System.out.println("received partial sum " + value + " from rank " + from);
                    total = Math.addExact(total, value);
                    peers.add(peer);
                }
                for (Socket peer : peers) {
                    DataOutputStream out = new DataOutputStream(peer.getOutputStream());
                    out.writeLong(total);
                    out.flush();
                    peer.close();
                }
                System.out.println("RESULT sum of squares 1.." + n + " = " + total);
            }
        } else {
            try (Socket socket = connect(host, port)) {
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                out.writeInt(rank);
                out.writeLong(partial);
                out.flush();
                long total = new DataInputStream(socket.getInputStream()).readLong();
                System.out.println("rank " + rank + " received total " + total);
            }
        }
    }

    private static Socket connect(String host, int port) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < CONNECT_ATTEMPTS_MAX; attempt++) {
            try {
                return new Socket(host, port);
            } catch (IOException e) {
                last = e;
                Thread.sleep(CONNECT_RETRY_MILLIS);
            }
        }
        throw last;
    }
}
