#include "sgd_epoch.hpp"
#define SQUARED_LOSS_NAME squared_loss_ieee
#include "squared_loop.inc"
