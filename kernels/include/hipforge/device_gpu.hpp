// hipforge/device_gpu.hpp — the GPU side of device.hpp (included by it; do not include directly).
#pragma once

#if !defined(__HIP__)
#  error "device_gpu.hpp is for HIP compilation (-x hip); define HIPFORGE_EMULATOR for the host build"
#endif

#define HF_EXPORT(name, Params)
