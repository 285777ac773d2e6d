package dev.corral.agent;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The few calls of the NVIDIA driver API (libcuda, which every NVIDIA driver installs) that the
 * GPU challenge engine makes, bound through JNA. No CUDA toolkit is needed: kernels arrive as
 * PTX, which the driver compiles for the card it has. Every call returns a CUresult, 0 on success.
 */
interface CudaDriver extends Library {
    /** The driver's library as the dynamic loader finds it; the unversioned name exists only with a toolkit. */
    String LIBRARY = "libcuda.so.1";
    int SUCCESS = 0;

    /** Loads the driver; throws UnsatisfiedLinkError where there is none. */
    static CudaDriver load() {
        return Native.load(LIBRARY, CudaDriver.class);
    }

    int cuInit(int flags);

    int cuDeviceGetCount(IntByReference count);

    int cuDeviceGet(IntByReference device, int ordinal);

    int cuDeviceGetName(byte[] name, int length, int device);

    int cuDevicePrimaryCtxRetain(PointerByReference context, int device);

    int cuDevicePrimaryCtxRelease_v2(int device);

    int cuCtxSetCurrent(Pointer context);

    int cuCtxSynchronize();

    int cuModuleLoadData(PointerByReference module, Pointer image);

    int cuModuleUnload(Pointer module);

    int cuModuleGetFunction(PointerByReference function, Pointer module, String name);

    int cuMemAlloc_v2(LongByReference devicePointer, long bytes);

    int cuMemFree_v2(long devicePointer);

    int cuMemAllocHost_v2(PointerByReference hostPointer, long bytes);

    int cuMemFreeHost(Pointer hostPointer);

    int cuMemcpyDtoH_v2(Pointer destination, long source, long bytes);

    int cuLaunchKernel(Pointer function, int gridX, int gridY, int gridZ, int blockX, int blockY, int blockZ,
            int sharedMemoryBytes, Pointer stream, Pointer parameters, Pointer extra);

    int cuGetErrorName(int result, PointerByReference name);
}
